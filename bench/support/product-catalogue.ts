/**
 * A deterministic, made-up product catalogue for the search benchmark and the demo data set:
 * the same n always gives the same product, and nothing is downloaded.
 */

const BRANDS = ['Acme', 'Northwind', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', 'Stark', 'Wayne', 'Tyrell', 'Soylent', 'Cyberdyne', 'Wonka', 'Gringotts', 'Aperture', 'Oscorp'];
const CATEGORIES: Record<string, string[]> = {
  audio: ['headphones', 'speaker', 'soundbar', 'earbuds', 'microphone', 'turntable', 'amplifier'],
  computing: ['keyboard', 'mouse', 'monitor', 'laptop', 'webcam', 'docking station', 'router'],
  kitchen: ['kettle', 'toaster', 'blender', 'coffee grinder', 'espresso machine', 'frying pan', 'chef knife'],
  outdoor: ['backpack', 'tent', 'sleeping bag', 'headlamp', 'water bottle', 'hiking boots', 'rain jacket'],
  home: ['desk lamp', 'armchair', 'bookshelf', 'rug', 'curtains', 'duvet', 'wall clock'],
  fitness: ['yoga mat', 'dumbbell', 'kettlebell', 'jump rope', 'foam roller', 'rowing machine', 'running shoes'],
};
const ADJECTIVES = ['wireless', 'portable', 'compact', 'ergonomic', 'waterproof', 'lightweight', 'premium', 'rechargeable', 'foldable', 'adjustable', 'quiet', 'durable', 'smart', 'vintage', 'modular', 'insulated'];
const MATERIALS = ['aluminium', 'bamboo', 'stainless steel', 'walnut', 'recycled plastic', 'leather', 'ceramic', 'carbon fibre', 'cotton', 'wool'];
const COLOURS = ['black', 'white', 'silver', 'graphite', 'navy', 'forest green', 'red', 'sand', 'sky blue', 'orange'];
const FEATURES = [
  'a battery that lasts all week',
  'a two year warranty',
  'free replacement parts',
  'a carrying case',
  'noise cancelling',
  'fast charging over USB-C',
  'a dishwasher safe finish',
  'a sleek low profile design',
  'reinforced stitching',
  'an app for fine tuning',
  'touch controls',
  'a lifetime guarantee',
];
const USES = ['commuting', 'travel', 'the office', 'weekend hikes', 'small kitchens', 'gaming', 'studio work', 'camping trips', 'home workouts', 'long flights'];

/** mulberry32: a tiny seeded generator, so product n is the same on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface Product {
  sku: string;
  name: string;
  description: string;
  brand: string;
  category: string;
  colour: string;
  material: string;
  price: number;
  rating: number;
  tags: string[];
  inStock: boolean;
}

export function product(n: number): Product {
  const next = random(n * 7919 + 17);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const category = pick(Object.keys(CATEGORIES));
  const kind = pick(CATEGORIES[category]!);
  const brand = pick(BRANDS);
  const adjective = pick(ADJECTIVES);
  const second = pick(ADJECTIVES);
  const material = pick(MATERIALS);
  const colour = pick(COLOURS);
  const model = `${String.fromCharCode(65 + Math.floor(next() * 26))}${Math.floor(next() * 900 + 100)}`;
  const features = [pick(FEATURES), pick(FEATURES)];
  return {
    sku: `SKU-${String(n).padStart(8, '0')}`,
    name: `${brand} ${adjective} ${kind} ${model}`,
    description:
      `A ${second} ${kind} in ${colour} ${material}, made for ${pick(USES)}. ` +
      `It comes with ${features[0]} and ${features[1]}. ` +
      `Customers who bought the ${brand} ${model} also liked our ${pick(CATEGORIES[category]!)} range.`,
    brand,
    category,
    colour,
    material,
    price: Math.round((5 + next() * 495) * 100) / 100,
    rating: Math.round((1 + next() * 4) * 10) / 10,
    tags: [...new Set([category, adjective, second, colour.split(' ')[0]!])],
    inStock: next() > 0.15,
  };
}

/** Search settings that fit the catalogue. */
export const PRODUCT_SEARCH_SETTINGS = {
  searchableFields: [
    { field: 'name', weight: 'A' },
    { field: 'brand', weight: 'B' },
    { field: 'tags', weight: 'B' },
    { field: 'description', weight: 'D' },
  ],
  filterableFields: ['brand', 'category', 'colour', 'price', 'rating', 'inStock'],
  facetableFields: ['brand', 'category', 'colour', 'material', 'price'],
  sortableFields: ['price', 'rating', 'name'],
  language: 'english',
  synonyms: { headset: ['headphones'], laptop: ['notebook'], sofa: ['armchair'] },
  stopWords: [],
} as const;

/** A JSON Schema for the catalogue's records. */
export const PRODUCT_CATALOGUE_SCHEMA = {
  type: 'object',
  required: ['sku', 'name', 'price'],
  properties: {
    sku: { type: 'string' },
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    brand: { type: 'string' },
    category: { type: 'string' },
    colour: { type: 'string' },
    material: { type: 'string' },
    price: { type: 'number', minimum: 0 },
    rating: { type: 'number', minimum: 0, maximum: 5 },
    tags: { type: 'array', items: { type: 'string' } },
    inStock: { type: 'boolean' },
  },
} as const;

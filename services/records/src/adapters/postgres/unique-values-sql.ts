/**
 * Claims the unique values of the given live records of one collection, in one statement:
 * values are the record's JSON at the field path as PostgreSQL prints it (canonical jsonb text),
 * null and missing values claim nothing. Returns the first claim another record already holds.
 * Parameters: $1 tenant, $2 collection, $3 fields (text[]), $4 record ids (text[], or NULL for all).
 */
export const CLAIM_UNIQUE_VALUES_SQL = `
WITH wanted AS (
  SELECT r.tenant_id, r.collection, f.field, (r.data #> string_to_array(f.field, '.'))::text AS value, r.id AS record_id
  FROM records r CROSS JOIN unnest($3::text[]) AS f(field)
  WHERE r.tenant_id = $1 AND r.collection = $2 AND ($4::text[] IS NULL OR r.id = ANY($4::text[]))
    AND r.deleted_at IS NULL AND r.purged_at IS NULL
    AND COALESCE(jsonb_typeof(r.data #> string_to_array(f.field, '.')), 'null') <> 'null'
), inserted AS (
  INSERT INTO unique_values (tenant_id, collection, field, value, record_id)
  SELECT * FROM wanted ON CONFLICT DO NOTHING RETURNING field, value, record_id
)
SELECT w.field, w.value, w.record_id FROM wanted w
WHERE NOT EXISTS (SELECT 1 FROM inserted i WHERE i.field = w.field AND i.value = w.value AND i.record_id = w.record_id)
LIMIT 1`;

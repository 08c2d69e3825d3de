/** A dotted path of identifier segments: the only field names unique, indexed and search fields may use. */
export const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62}){0,7}$/;

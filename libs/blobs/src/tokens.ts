/** Injection token for the app's `BlobStore` (the directory BLOB_DIR names). */
export const BLOB_STORE = 'BLOB_STORE';

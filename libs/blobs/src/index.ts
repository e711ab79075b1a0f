// Pure code only (Node's fs, no framework): the Nest module is imported from its own path
// (`@sunlight/blobs/blobs.module`).
export * from './blob-store';
export * from './tokens';
export * from './multipart-upload';

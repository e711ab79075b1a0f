// The multipart reader moved to @sunlight/blobs (registries and photos upload the same way).
export { keepAdmitted, readMultipartUpload, type MultipartUpload } from '@sunlight/blobs';

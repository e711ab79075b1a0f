export * from './reference-books';

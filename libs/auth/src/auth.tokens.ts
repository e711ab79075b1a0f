/** The HS256 key (a string) resolved by `resolveJwtSecret`: JWT_SECRET or `<dataDir>/jwt-secret`. */
export const ACCESS_TOKEN_SECRET = 'ACCESS_TOKEN_SECRET';

/** The projections the app runs (the funds dashboards and payments), built with the division registry. */
export const PROJECTIONS = 'PROJECTIONS';

/** The projections the app runs (the funds dashboards and payments), built with the division registry. */
export const PROJECTIONS = 'PROJECTIONS';

/** How to start the projections' worker thread (a `ProjectionsWorkerScript`). */
export const PROJECTIONS_WORKER_SCRIPT = 'PROJECTIONS_WORKER_SCRIPT';

/** Nest injection token of the app's `ReadStore`; a plain string so libraries need not import the app. */
export const READ_STORE = 'READ_STORE';

/** Nest injection token of the app's one `DivisionRegistry`; a plain string so this library stays framework-free. */
export const DIVISION_REGISTRY = 'DIVISION_REGISTRY';

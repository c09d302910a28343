/** The optim module (public namespace tt.optim). */
export {};

/** The krylov module (public namespace tt.krylov). */
export {};

/** The random module (public namespace tt.random). */
export {};

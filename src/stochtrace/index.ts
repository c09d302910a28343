/** The stochtrace module (public namespace tt.stochtrace). */
export {};

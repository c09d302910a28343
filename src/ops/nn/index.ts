/** The nn namespace. */
export {};

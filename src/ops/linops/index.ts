/** The linops namespace. */
export {};

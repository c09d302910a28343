/** The linalg namespace. */
export {};

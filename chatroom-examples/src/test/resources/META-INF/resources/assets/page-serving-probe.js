// Served by the example server in PageServingTest (test class path only).
export const probe = true;

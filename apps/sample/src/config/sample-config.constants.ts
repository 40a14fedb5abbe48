/** Injection token of the parsed SampleConfig. */
export const SAMPLE_CONFIG = Symbol('Sample:Config');

/**
 * Units, one module each: token amounts and WAD fixed point (amount.ts), durations (duration.ts),
 * byte sizes (size.ts). Parsing and formatting of each live together, so a value printed by one
 * command parses in another. Imports only errors/.
 */
export * from './amount.js';
export * from './duration.js';
export * from './size.js';

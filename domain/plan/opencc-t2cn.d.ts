/** opencc-js's traditional→simplified build (its package "exports" ./t2cn), typed as the full build it is a part of. */
declare module 'opencc-js/t2cn' {
  export * from 'opencc-js';
}

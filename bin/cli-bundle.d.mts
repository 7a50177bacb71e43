// Types of cli-bundle.mjs, for the tests and benches written in TypeScript.
export declare const CLI_BUNDLE: string;
export declare function isBundleFresh(bundlePath?: string): boolean;
export declare function buildCliBundle(bundlePath?: string): Promise<string>;
export declare function freshCliBundle(): Promise<string | undefined>;

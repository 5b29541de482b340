export declare const ESM_NODE_BANNER: string;

// Entry of the inference worker thread. Worker threads do not inherit the tsx loader that the
// main thread registered, so it is registered again here before the TypeScript sources load.
import { register } from "tsx/esm/api";

register();
await import("./thread.ts");

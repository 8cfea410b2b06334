import type { MessageKey } from "../../i18n/translate.ts";
import type { ScoreVariantName } from "../../lib/score-schemas.ts";

/** Catalog keys of the PLL variant names shown in selects and result headers. */
export const VARIANT_LABELS: Record<ScoreVariantName, MessageKey> = {
  original: "scoring.variantOriginal",
  within_word_l2r: "scoring.variantWithinWord",
};

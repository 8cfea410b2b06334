import { Playground } from "../components/playground/Playground.tsx";
import { ModeSwitch } from "../components/scoring/ModeSwitch.tsx";
import { ScorePlayground } from "../components/scoring/ScorePlayground.tsx";
import { ModelStatus } from "../components/models/ModelStatus.tsx";
import { serverTranslator } from "../i18n/server.ts";
import { MAX_TOP_K } from "../lib/schemas.ts";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

/** Playground (home): the sentence form, its results and a compact model status. */
export default async function PlaygroundPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const { t } = await serverTranslator();
  const requestedK = Number.parseInt(first(params["k"]), 10);
  const topK = Number.isInteger(requestedK) && requestedK >= 1 && requestedK <= MAX_TOP_K ? requestedK : 5;
  const scoreMode = first(params["mode"]) === "score";
  return (
    <>
      <h1>{t("playground.title")}</h1>
      <ModeSwitch mode={scoreMode ? "score" : "fill"} t={t} />
      <p className="intro">{scoreMode ? t("scoring.playgroundIntro") : t("playground.intro")}</p>
      <div className="grid-2">
        {scoreMode ? <ScorePlayground /> : <Playground initial={{ text: first(params["text"]), topK, targets: first(params["targets"]) }} />}
        <ModelStatus compact />
      </div>
    </>
  );
}

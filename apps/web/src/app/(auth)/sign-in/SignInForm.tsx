"use client";

import { useState, type FormEvent } from "react";
import { useI18n } from "../../../i18n/client.tsx";
import { ApiClientError, fetchJson } from "../../../lib/api-client.ts";

/** Username and password form; on success it loads `next` with the new session cookie. */
export function SignInForm({ next }: { next: string }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | undefined>();
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(undefined);
    try {
      await fetchJson("/api/auth/sign-in", { method: "POST", body: JSON.stringify({ username: form.get("username"), password: form.get("password") }) }, t("common.networkError"));
      window.location.assign(next);
    } catch (caught) {
      setError(caught instanceof ApiClientError ? caught.message : t("common.networkError"));
      setPending(false);
    }
  }

  return (
    <form className="panel" onSubmit={(event) => void submit(event)} data-testid="sign-in-form">
      <label htmlFor="username">{t("auth.username")}</label>
      <input id="username" name="username" type="text" autoComplete="username" required maxLength={64} data-testid="username" />
      <label htmlFor="password">{t("auth.password")}</label>
      <input id="password" name="password" type="password" autoComplete="current-password" required maxLength={1024} data-testid="password" />
      {error === undefined ? null : <p className="error-text" role="alert">{error}</p>}
      <button className="primary" type="submit" disabled={pending} data-testid="sign-in">{pending ? t("auth.signingIn") : t("auth.signIn")}</button>
    </form>
  );
}

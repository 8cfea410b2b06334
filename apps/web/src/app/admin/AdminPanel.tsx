"use client";

import { useCallback, useEffect, useState, type FormEvent } from "react";
import { useI18n } from "../../i18n/client.tsx";
import { ApiClientError, fetchJson } from "../../lib/api-client.ts";

interface UserRow {
  id: string;
  username: string;
  role: "viewer" | "operator" | "admin";
  createdAt: string;
  disabledAt: string | null;
}

interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  username: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** Lists users and API tokens and lets an admin add and disable users and create and revoke tokens. */
export function AdminPanel() {
  const { t, locale } = useI18n();
  const [users, setUsers] = useState<UserRow[]>([]);
  const [tokens, setTokens] = useState<TokenRow[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [newToken, setNewToken] = useState<{ name: string; token: string } | undefined>();

  const report = useCallback((caught: unknown) => setError(caught instanceof ApiClientError ? caught.message : t("common.networkError")), [t]);

  const reload = useCallback(async () => {
    try {
      const [userList, tokenList] = await Promise.all([
        fetchJson<{ users: UserRow[] }>("/api/admin/users", {}, t("common.networkError")),
        fetchJson<{ tokens: TokenRow[] }>("/api/admin/tokens", {}, t("common.networkError")),
      ]);
      setUsers(userList.users);
      setTokens(tokenList.tokens);
    } catch (caught) {
      report(caught);
    }
  }, [report, t]);

  useEffect(() => {
    void reload();
  }, [reload]);

  async function send(url: string, body: unknown): Promise<unknown> {
    setError(undefined);
    return fetchJson(url, { method: "POST", body: JSON.stringify(body) }, t("common.networkError"));
  }

  async function addUser(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    try {
      await send("/api/admin/users", { username: data.get("username"), password: data.get("password"), role: data.get("role") });
      form.reset();
      await reload();
    } catch (caught) {
      report(caught);
    }
  }

  async function createToken(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const days = String(data.get("expiresInDays") ?? "").trim();
    try {
      const created = (await send("/api/admin/tokens", { userId: data.get("userId"), name: data.get("name"), ...(days === "" ? {} : { expiresInDays: Number(days) }) })) as { token: string; view: TokenRow };
      setNewToken({ name: created.view.name, token: created.token });
      form.reset();
      await reload();
    } catch (caught) {
      report(caught);
    }
  }

  async function disableUser(user: UserRow): Promise<void> {
    if (!window.confirm(t("admin.confirmDisable", { username: user.username }))) return;
    try {
      await send(`/api/admin/users/${user.id}/disable`, {});
      await reload();
    } catch (caught) {
      report(caught);
    }
  }

  async function revokeToken(token: TokenRow): Promise<void> {
    if (!window.confirm(t("admin.confirmRevoke", { name: token.name }))) return;
    try {
      await send(`/api/admin/tokens/${token.id}/revoke`, {});
      await reload();
    } catch (caught) {
      report(caught);
    }
  }

  const date = (value: string | null) => (value === null ? t("common.none") : new Date(value).toLocaleString(locale));
  const tokenStatus = (token: TokenRow) =>
    token.revokedAt !== null ? t("admin.revoked") : token.expiresAt !== null && new Date(token.expiresAt) < new Date() ? t("admin.expired") : t("admin.active");

  return (
    <>
      {error === undefined ? null : <p className="error-text" role="alert" data-testid="admin-error">{error}</p>}

      <section className="panel">
        <h2>{t("admin.users")}</h2>
        <div className="table-wrap">
          <table data-testid="users-table">
            <thead>
              <tr><th>{t("auth.username")}</th><th>{t("admin.role")}</th><th>{t("admin.created")}</th><th>{t("admin.status")}</th><th /></tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <tr key={user.id}>
                  <td>{user.username}</td>
                  <td>{user.role}</td>
                  <td>{date(user.createdAt)}</td>
                  <td>{user.disabledAt === null ? t("admin.active") : t("admin.disabled")}</td>
                  <td>{user.disabledAt === null ? <button type="button" onClick={() => void disableUser(user)}>{t("admin.disable")}</button> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <form onSubmit={(event) => void addUser(event)} data-testid="add-user-form">
          <div className="filters">
            <div>
              <label htmlFor="new-username">{t("auth.username")}</label>
              <input id="new-username" name="username" type="text" required maxLength={64} />
            </div>
            <div>
              <label htmlFor="new-password">{t("auth.password")}</label>
              <input id="new-password" name="password" type="password" autoComplete="new-password" required minLength={12} maxLength={1024} />
            </div>
            <div>
              <label htmlFor="new-role">{t("admin.role")}</label>
              <select id="new-role" name="role" defaultValue="viewer">
                <option value="viewer">{t("admin.roleViewer")}</option>
                <option value="operator">{t("admin.roleOperator")}</option>
                <option value="admin">{t("admin.roleAdmin")}</option>
              </select>
            </div>
          </div>
          <p><button className="primary" type="submit">{t("admin.addUser")}</button></p>
        </form>
      </section>

      <section className="panel">
        <h2>{t("admin.tokens")}</h2>
        {newToken === undefined ? null : (
          <div role="status" data-testid="new-token">
            <p>{t("admin.newToken", { name: newToken.name })}</p>
            <p className="secret">{newToken.token}</p>
          </div>
        )}
        <div className="table-wrap">
          <table data-testid="tokens-table">
            <thead>
              <tr><th>{t("admin.tokenName")}</th><th>{t("admin.prefix")}</th><th>{t("admin.tokenUser")}</th><th>{t("admin.lastUsed")}</th><th>{t("admin.status")}</th><th /></tr>
            </thead>
            <tbody>
              {tokens.map((token) => (
                <tr key={token.id}>
                  <td>{token.name}</td>
                  <td><code>{token.prefix}…</code></td>
                  <td>{token.username}</td>
                  <td>{date(token.lastUsedAt)}</td>
                  <td>{tokenStatus(token)}</td>
                  <td>{token.revokedAt === null ? <button type="button" onClick={() => void revokeToken(token)}>{t("admin.revoke")}</button> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <form onSubmit={(event) => void createToken(event)} data-testid="create-token-form">
          <div className="filters">
            <div>
              <label htmlFor="token-name">{t("admin.tokenName")}</label>
              <input id="token-name" name="name" type="text" required maxLength={100} />
            </div>
            <div>
              <label htmlFor="token-user">{t("admin.tokenUser")}</label>
              <select id="token-user" name="userId" required>
                {users.filter((user) => user.disabledAt === null).map((user) => (
                  <option key={user.id} value={user.id}>{user.username}</option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="token-days">{t("admin.expiresInDays")}</label>
              <input id="token-days" name="expiresInDays" type="number" min={1} max={3650} />
            </div>
          </div>
          <p><button className="primary" type="submit">{t("admin.createToken")}</button></p>
        </form>
      </section>
    </>
  );
}

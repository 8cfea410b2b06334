"use client";

/** Ends the session through the API, then opens the sign-in page. */
export function SignOutButton({ label }: { label: string }) {
  async function signOut(): Promise<void> {
    await fetch("/api/auth/sign-out", { method: "POST" });
    window.location.assign("/sign-in");
  }
  return (
    <button type="button" className="link-button" onClick={() => void signOut()}>
      {label}
    </button>
  );
}

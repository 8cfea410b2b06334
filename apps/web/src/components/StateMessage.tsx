import type { ReactNode } from "react";

interface StateMessageProps {
  kind: "empty" | "loading" | "error";
  children: ReactNode;
  /** Optional action, e.g. a retry button. */
  action?: ReactNode;
}

/** Renders the empty, loading or error state of a panel, announced to screen readers. */
export function StateMessage({ kind, children, action }: StateMessageProps) {
  return (
    <div className={`state ${kind}`} role={kind === "error" ? "alert" : "status"} data-testid={`state-${kind}`}>
      <div>{children}</div>
      {action}
    </div>
  );
}

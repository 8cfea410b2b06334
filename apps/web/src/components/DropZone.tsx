"use client";

import { useRef, useState, type DragEvent } from "react";
import { useI18n } from "../i18n/client.tsx";

interface DropZoneProps {
  accept: string;
  onFile: (file: File) => void;
  disabled?: boolean;
  /** Extra line under the buttons, e.g. the size limit. */
  hint?: string;
}

/** Area that takes one file by drag and drop or through the file picker. */
export function DropZone({ accept, onFile, disabled = false, hint }: DropZoneProps) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [active, setActive] = useState(false);

  function onDrop(event: DragEvent<HTMLDivElement>): void {
    event.preventDefault();
    setActive(false);
    const file = event.dataTransfer.files[0];
    if (file !== undefined && !disabled) onFile(file);
  }

  return (
    <div
      className={`dropzone${active ? " active" : ""}`}
      onDragOver={(event) => {
        event.preventDefault();
        setActive(true);
      }}
      onDragLeave={() => setActive(false)}
      onDrop={onDrop}
      data-testid="dropzone"
    >
      <p>{t("upload.dropHere")}</p>
      <p className="hint">{t("upload.or")}</p>
      <button type="button" onClick={() => input.current?.click()} disabled={disabled}>{t("upload.pick")}</button>
      <input
        ref={input}
        type="file"
        accept={accept}
        hidden
        data-testid="file-input"
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file !== undefined) onFile(file);
          event.target.value = "";
        }}
      />
      {hint && <p className="hint">{hint}</p>}
    </div>
  );
}

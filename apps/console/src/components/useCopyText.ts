import { useRef, useState } from 'react';

/**
 * Copy a text shown in a read-only input to the clipboard. Without the Clipboard API (a page served over plain HTTP
 * from another host is not a secure context) the input's text is selected for the operator to copy by hand.
 */
export function useCopyText(text: string) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState('');
  async function copy() {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      setCopied('Copied to the clipboard.');
    } catch {
      input.current?.select();
      setCopied('Selected: press Ctrl+C (⌘C) to copy.');
    }
  }
  return { input, copied, copy };
}

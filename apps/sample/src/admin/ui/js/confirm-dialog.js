import { byId, shown } from './dom.js';

/**
 * @typedef {{ title: string, text: string, confirmLabel: string, danger?: boolean, option?: string }} Question
 * @typedef {{ confirmed: boolean, option: boolean }} Answer
 */

/**
 * Asks in the page's modal <dialog> (keyboard: Tab between buttons, Escape cancels). Cancel has
 * the focus first, so Enter never confirms a deletion by accident.
 * @param {Question} question
 * @returns {Promise<Answer>}
 */
export function confirmAction(question) {
  const dialog = byId('confirm-dialog', HTMLDialogElement);
  const ok = byId('confirm-ok', HTMLButtonElement);
  const optionLabel = byId('confirm-option', HTMLLabelElement);
  const optionInput = byId('confirm-option-input', HTMLInputElement);
  byId('confirm-title', HTMLHeadingElement).textContent = shown(question.title);
  byId('confirm-text', HTMLParagraphElement).textContent = shown(question.text);
  ok.textContent = question.confirmLabel;
  ok.classList.toggle('button-danger', question.danger === true);
  optionLabel.hidden = question.option === undefined;
  optionInput.checked = false;
  byId('confirm-option-text', HTMLSpanElement).textContent = shown(question.option ?? '');
  dialog.returnValue = '';
  const answered = new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => resolve({ confirmed: dialog.returnValue === 'confirm', option: optionInput.checked }),
      { once: true },
    );
  });
  dialog.showModal();
  byId('confirm-cancel', HTMLButtonElement).focus();
  return /** @type {Promise<Answer>} */ (answered);
}

/** True while the confirmation dialog is open (auto refresh waits). */
export function isAsking() {
  return byId('confirm-dialog', HTMLDialogElement).open;
}

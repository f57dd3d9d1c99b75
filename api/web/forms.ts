/**
 * What the workspace's pages share beyond the layout: reading an HTML form's fields (application/x-www-form-urlencoded,
 * within the API's body limit), the account a page is for, and the hidden evidence fields app.js adds after an upload.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Account } from '../auth/account';
import { AppError } from '../errors';
import { parseForm } from '../auth/authenticate';
import { refusalPage } from './layout';

export type FormFields = Record<string, string | string[]>;

const FORM_TYPE = 'application/x-www-form-urlencoded';

/** Lets a scope read HTML forms; a scope that already can (a parent registered one) keeps its own. */
export function acceptForms(scope: FastifyInstance): void {
  if (scope.hasContentTypeParser(FORM_TYPE)) return;
  scope.addContentTypeParser(FORM_TYPE, { parseAs: 'string' }, (_request, body, done) =>
    done(null, parseForm(body as string)),
  );
}

/** The form's fields; an empty object for a request that sent none. */
export function formOf(request: FastifyRequest): FormFields {
  const body = request.body;
  return body && typeof body === 'object' && !Buffer.isBuffer(body) ? (body as FormFields) : {};
}

/** One field's text, trimmed ('' when absent; the first when repeated). */
export function field(form: FormFields, name: string): string {
  const value = form[name];
  return (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim();
}

/** Every value of a repeated field. */
export function fields(form: FormFields, name: string): string[] {
  const value = form[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * The files a form cites: app.js adds a hidden `evidence` field "sha256|name" for each file it uploaded. Size and
 * type are the store's business: AssignmentService replaces them with what the evidence store recorded, and refuses
 * a hash never uploaded (EVIDENCE_NOT_STORED).
 */
export function evidenceOf(form: FormFields): Array<{ sha256: string; name: string; size: number; type: string }> {
  return fields(form, 'evidence').flatMap((value) => {
    const bar = value.indexOf('|');
    if (bar < 0) return [];
    return [{ sha256: value.slice(0, bar).toLowerCase(), name: value.slice(bar + 1), size: 1, type: 'unknown' }];
  });
}

/** A number a form field gives, or undefined when left empty (the schema behind says what is missing). */
export function numberField(form: FormFields, name: string): number | undefined {
  const text = field(form, name);
  return text === '' ? undefined : Number(text);
}

/**
 * The unit a unit member's page is for; a request without an account of a unit role has no unit workspace (the
 * authorization table refuses it before this).
 */
export function unitOf(account: Account | undefined): string {
  if (!account?.unit || (account.role !== 'unit-member' && account.role !== 'unit-head')) {
    throw new AppError('NOT_FOUND', '此页面属于单位工作台：请以本单位的账号登录');
  }
  return account.unit;
}

/**
 * A page's refusals as a page: the problem's title and detail in the workspace's shell, with its status. Anything else
 * (a server error, a server unreachable) goes on to the API's own handler, which logs it and answers problem+json.
 */
export function htmlErrors(scope: FastifyInstance): void {
  scope.setErrorHandler((error, request, reply) => {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    return refusalPage(reply, request, { ...error, detail: error.message });
  });
}

import { ApiFailure, inputSchemaOf, isOperationName, type ApiError, type CoreApi } from '../../shared/contract';

export type DispatchResult = { ok: true; value: unknown } | { ok: false; error: ApiError };

/**
 * The single entry point every UI transport uses: the operation name must be in the contract,
 * the input must pass its schema, and failures come back as a typed error — never a crash, and
 * never a partial change.
 */
export async function dispatch(api: CoreApi, name: unknown, input: unknown): Promise<DispatchResult> {
  if (!isOperationName(name)) return { ok: false, error: { code: 'invalid-input', message: `unknown operation ${JSON.stringify(String(name)).slice(0, 80)}` } };
  const parsed = inputSchemaOf(name).safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, error: { code: 'invalid-input', message: `${name}: ${issue.path.join('.') || 'input'}: ${issue.message}` } };
  }
  try {
    const handler = api[name] as (value: unknown) => unknown;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    if (error instanceof ApiFailure) return { ok: false, error: { code: error.code, message: error.message } };
    return { ok: false, error: { code: 'internal', message: (error as Error).message } };
  }
}

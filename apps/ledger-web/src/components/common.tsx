import { Alert, Button, Form, Spin, Tag, type FormInstance } from 'antd';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { ApiError, BEARER_KEY } from '../api/client';
import { useI18n } from '../i18n';

/** A read the page waits for: the answer, its error, and a way to read again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({
    loading: true,
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { ...state, reload: useCallback(() => setTick((n) => n + 1), []) };
}

export function Loading({
  state,
  children,
}: {
  state: { loading: boolean; error?: unknown; data?: unknown };
  children: () => ReactNode;
}) {
  const { t } = useI18n();
  if (state.error)
    return (
      <Alert
        type="error"
        showIcon
        message={
          state.error instanceof ApiError && state.error.status === 404 ? t('notFound') : t('error')
        }
        description={state.error instanceof Error ? state.error.message : undefined}
      />
    );
  // A reload keeps the page (and its forms' answers) in place: the spinner only comes first.
  if (state.loading && state.data === undefined)
    return (
      <Spin tip={t('loading')}>
        <div style={{ minHeight: 80 }} />
      </Spin>
    );
  return <>{children()}</>;
}

const GRADE_COLOURS: Record<string, string> = {
  A: 'green',
  B: 'blue',
  C: 'gold',
  D: 'orange',
  E: 'red',
};

export function GradeTag({ grade }: { grade?: string }) {
  const { term } = useI18n();
  return (
    <Tag color={GRADE_COLOURS[grade ?? ''] ?? 'default'}>
      {grade && grade.length === 1 ? grade : term(grade)}
    </Tag>
  );
}

/**
 * A command form: its answer, and what the API refused, beside the field it names (400) or,
 * for a rule's refusal (422), with the article in words: `依据《…》第N条，该操作未被记录：…`.
 */
export function useCommand<Body, Answer>(
  form: FormInstance,
  send: (body: Body) => Promise<Answer>,
) {
  const { t, article } = useI18n();
  const [refusal, setRefusal] = useState<ApiError | undefined>();
  const [done, setDone] = useState<Answer | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (body: Body) => {
    setRefusal(undefined);
    setDone(undefined);
    setBusy(true);
    try {
      setDone(await send(body));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setRefusal(error);
      const names = new Set(Object.keys(form.getFieldsValue() as object));
      const fields = Object.entries(error.byField())
        .filter(([name]) => names.has(name))
        .map(([name, text]) => ({
          name,
          errors: [
            error.article
              ? `${t('refusedLead', { article: article(error.article) })}${text}`
              : text,
          ],
        }));
      form.setFields(fields);
    } finally {
      setBusy(false);
    }
  };
  const alert = refusal ? (
    <Alert
      role="alert"
      data-testid="refusal"
      type={refusal.status === 422 ? 'warning' : 'error'}
      showIcon
      style={{ marginBottom: 16 }}
      message={
        refusal.article
          ? t('refusedBy', { article: article(refusal.article) })
          : refusal.status === 400
            ? t('badInput')
            : `${refusal.status}`
      }
      description={refusal.messages.join('；')}
    />
  ) : done ? (
    <Alert
      role="status"
      data-testid="recorded"
      type="success"
      showIcon
      style={{ marginBottom: 16 }}
      message={t('submitted')}
    />
  ) : null;
  return { submit, busy, alert, done, refusal };
}

export function SubmitButton({ busy }: { busy: boolean }) {
  const { t } = useI18n();
  return (
    <Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>
        {t('submit')}
      </Button>
    </Form.Item>
  );
}

/** Downloads an answer the API gives only to a signed-in user (cookie or bearer). */
export async function download(path: string, filename: string): Promise<void> {
  const bearer = sessionStorage.getItem(BEARER_KEY);
  const res = await fetch(path, {
    credentials: 'same-origin',
    headers: bearer ? { Authorization: `Bearer ${bearer}` } : {},
  });
  if (!res.ok) throw new Error(`${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  URL.revokeObjectURL(url);
}

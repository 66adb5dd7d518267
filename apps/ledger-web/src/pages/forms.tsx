/** Form helpers shared by the regulator's and the agency's pages. */
import { DatePicker, Form } from 'antd';
import dayjs from 'dayjs';
import { useI18n } from '../i18n';

/** Form values as a command body: dates as bare dates (Asia/Shanghai), empty fields left out. */
export function toBody<T>(values: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null || value === '') continue;
    out[key] = dayjs.isDayjs(value) ? value.format('YYYY-MM-DD') : value;
  }
  return out as T;
}

/** The valid time of the fact (`occurredAt`); the ledger's now when left empty. */
export function OccurredAt() {
  const { t } = useI18n();
  return (
    <Form.Item name="occurredAt" label={t('occurredAt')}>
      <DatePicker />
    </Form.Item>
  );
}

export function DateField({
  name,
  label,
  required = true,
}: {
  name: string;
  label: string;
  required?: boolean;
}) {
  return (
    <Form.Item name={name} label={label} rules={required ? [{ required: true }] : []}>
      <DatePicker />
    </Form.Item>
  );
}

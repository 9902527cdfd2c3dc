import { Checkbox, Group, MultiSelect, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import type { ChannelOutput } from '../../../shared/ipc/contract';

export type SampleChoice = 'auto' | 'all' | 'fixed' | 'attribute';

/** The builder's form, as typed (strings where the officer types). */
export interface ScopeDraft {
  frameworks: string[];
  from: string;
  to: string;
  units: string[];
  roles: string[];
  sites: string[];
  audience: 'auditor' | 'regulator' | 'internal' | 'subject';
  sample: SampleChoice;
  size: number;
  confidence: number;
  rate: number;
  seed: string;
  organisation: string;
  useRequests: boolean;
  includeUnredacted: boolean;
  recipients: string;
}

type Options = ChannelOutput<'custodian:packet.options'>;

const AUDIENCES = [
  { value: 'auditor', label: 'Auditor (people by pseudonym, no health data, hire months)' },
  { value: 'regulator', label: 'Regulator (as auditor, scores in bands)' },
  { value: 'internal', label: 'Internal (everything)' },
  { value: 'subject', label: 'Data subject (their own record)' },
];

/** The scope of a packet: frameworks, period, population filters, audience, sampling, recipients. */
export function PacketScopeForm({ draft, options, onChange }: { draft: ScopeDraft; options: Options; onChange: (next: ScopeDraft) => void }) {
  const set = <K extends keyof ScopeDraft>(key: K, value: ScopeDraft[K]) => onChange({ ...draft, [key]: value });
  return (
    <Stack gap="sm">
      <SimpleGrid cols={2} spacing="sm">
        <MultiSelect
          label="Frameworks"
          required
          data={options.frameworks.map((f) => ({ value: f.id, label: f.title }))}
          value={draft.frameworks}
          onChange={(v) => set('frameworks', v)}
          searchable
        />
        <TextInput label="Organisation (cover and bag-info)" required value={draft.organisation} onChange={(e) => set('organisation', e.currentTarget.value)} />
        <TextInput label="Period from" type="date" required value={draft.from} onChange={(e) => set('from', e.currentTarget.value)} />
        <TextInput
          label="Period to"
          description="Statuses are as of this day"
          type="date"
          required
          value={draft.to}
          onChange={(e) => set('to', e.currentTarget.value)}
        />
        <MultiSelect label="Units (none: all)" data={options.units} value={draft.units} onChange={(v) => set('units', v)} searchable clearable />
        <MultiSelect label="Job roles (none: all)" data={options.roles} value={draft.roles} onChange={(v) => set('roles', v)} searchable clearable />
        <MultiSelect label="Sites (none: all)" data={options.sites} value={draft.sites} onChange={(v) => set('sites', v)} searchable clearable />
        <Select
          label="Audience (its masking policy applies to every file)"
          data={AUDIENCES}
          value={draft.audience}
          onChange={(v) => set('audience', (v ?? 'auditor') as ScopeDraft['audience'])}
          allowDeselect={false}
        />
      </SimpleGrid>
      <div>
        <Text size="sm" fw={500} id="sample-label">
          Sample per requirement
        </Text>
        <SegmentedControl
          aria-labelledby="sample-label"
          value={draft.sample}
          onChange={(v) => set('sample', v)}
          data={[
            { value: 'auto', label: 'Attribute 95% / 10% (n = 29)' },
            { value: 'attribute', label: 'Attribute, other rates' },
            { value: 'fixed', label: 'Fixed size' },
            { value: 'all', label: 'Whole population' },
          ]}
        />
        <Group gap="sm" mt="xs">
          {draft.sample === 'fixed' && (
            <NumberInput label="Sample size" min={1} max={1_000_000} value={draft.size} onChange={(v) => set('size', Number(v) || 1)} w={160} />
          )}
          {draft.sample === 'attribute' && (
            <>
              <NumberInput
                label="Confidence %"
                min={50}
                max={99.9}
                decimalScale={1}
                value={draft.confidence}
                onChange={(v) => set('confidence', Number(v))}
                w={140}
              />
              <NumberInput
                label="Tolerable deviation rate %"
                min={0.5}
                max={50}
                decimalScale={1}
                value={draft.rate}
                onChange={(v) => set('rate', Number(v))}
                w={200}
              />
            </>
          )}
          <TextInput
            label="Seed (optional)"
            description="Default: derived from the audit-log checkpoint (sample.json says which)"
            value={draft.seed}
            onChange={(e) => set('seed', e.currentTarget.value)}
            w={320}
          />
        </Group>
      </div>
      <Checkbox
        label={
          options.requestList
            ? `Answer the imported request list (${options.requestList.fileName}, ${String(options.requestList.requests)} requests)`
            : 'No request list imported (custodian requests import VAULT FILE)'
        }
        disabled={!options.requestList}
        checked={draft.useRequests && options.requestList !== null}
        onChange={(e) => set('useRequests', e.currentTarget.checked)}
      />
      {(draft.audience === 'auditor' || draft.audience === 'regulator') && (
        <Checkbox
          label="Include evidence that has no redacted version as it is (default: withheld, and listed as withheld)"
          checked={draft.includeUnredacted}
          onChange={(e) => set('includeUnredacted', e.currentTarget.checked)}
        />
      )}
      <Textarea
        label="Encrypt to the auditors' age keys (optional, one age1… per line)"
        autosize
        minRows={1}
        maxRows={4}
        value={draft.recipients}
        onChange={(e) => set('recipients', e.currentTarget.value)}
        styles={{ input: { fontFamily: 'monospace' } }}
      />
    </Stack>
  );
}

// The fields of a group, shared by "New group" and the group's page: its name and a description.
import { Field } from '../../../components/field';
import type { useFieldErrors } from '../../../components/use-field-errors';

export const GROUP_FIELDS = ['name', 'description'] as const;
export const NAME_MISSING = 'A group needs a name.';

export interface GroupFormFieldsProps {
  name: string;
  description: string;
  onName: (name: string) => void;
  onDescription: (description: string) => void;
  problems: ReturnType<typeof useFieldErrors<(typeof GROUP_FIELDS)[number]>>;
}

export function GroupFormFields({ name, description, onName, onDescription, problems }: GroupFormFieldsProps) {
  return (
    <>
      <Field
        ref={problems.ref('name')}
        label="Name"
        name="name"
        autoComplete="off"
        spellCheck={false}
        value={name}
        onChange={(event) => {
          onName(event.target.value);
          problems.clearField('name');
        }}
        error={problems.errors.name}
        hint="Apps receive it in the groups claim, so keep it short and stable, e.g. “developers”."
      />
      <Field
        ref={problems.ref('description')}
        label="Description"
        name="description"
        autoComplete="off"
        value={description}
        onChange={(event) => {
          onDescription(event.target.value);
          problems.clearField('description');
        }}
        error={problems.errors.description}
        hint="Optional: what the group is for."
      />
    </>
  );
}

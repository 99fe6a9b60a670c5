import { Alert, Button, Modal, Skeleton } from 'antd';
import { useState } from 'react';
import { useLabels } from '../format';
import { useStaff } from '../session';
import { GeneratedActionForm, useActionForms } from './ActionPanel';

/** The definition's `supervise` action name; its form (reason, answer days) comes from the definition. */
const SUPERVISE = 'supervise';

function SuperviseForm({ petitionId, onDone }: { petitionId: string; onDone: () => void }) {
  const { t } = useLabels();
  const session = useStaff();
  const { forms, error } = useActionForms(petitionId, { token: session.token }, 0);
  if (error) return <Alert type="error" showIcon title={error} />;
  if (!forms) return <Skeleton active />;
  const action = forms.actions.find((a) => a.id === SUPERVISE);
  if (!action)
    return <Alert type="info" showIcon title={t('supervise.notOffered', { step: forms.step.name })} />;
  return (
    <GeneratedActionForm
      petitionId={petitionId}
      action={action}
      caller={{ token: session.token }}
      onDone={onDone}
    />
  );
}

/** 督办 from a row of the overdue or at-risk list (Art. 40). */
export function SuperviseButton({ petitionId, onDone }: { petitionId: string; onDone?: () => void }) {
  const { t } = useLabels();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="small" danger onClick={() => setOpen(true)} data-testid={`supervise-${petitionId}`}>
        {t('supervise.button')}
      </Button>
      <Modal
        open={open}
        title={t('supervise.title', { id: petitionId })}
        footer={null}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <SuperviseForm
          petitionId={petitionId}
          onDone={() => {
            setOpen(false);
            onDone?.();
          }}
        />
      </Modal>
    </>
  );
}

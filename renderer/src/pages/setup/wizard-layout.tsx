// The frame of the first-run wizard: which step of three this is, in words ("Step 2 of 3") and as a list of the
// steps with the current one marked (aria-current="step"), above the step's heading.
import type { ReactNode } from 'react';
import { Shell } from '../../components/layout';

export const WIZARD_STEPS = ['Create the admin', 'Name the instance', 'Choose the public URL'] as const;

export function WizardLayout({ step, title, children }: { step: 1 | 2 | 3 | 'done'; title: string; children: ReactNode }) {
  const current = step === 'done' ? WIZARD_STEPS.length + 1 : step;
  return (
    <Shell title={title}>
      <main className="card card-wide wizard">
        <p className="wizard-count">{step === 'done' ? 'All steps done' : `Step ${step} of ${WIZARD_STEPS.length}`}</p>
        <ol className="wizard-steps" aria-label="Setup steps">
          {WIZARD_STEPS.map((label, index) => {
            const number = index + 1;
            const state = number < current ? 'done' : number === current ? 'current' : 'next';
            return (
              <li key={label} className={`wizard-step wizard-step-${state}`} aria-current={state === 'current' ? 'step' : undefined}>
                <span className="wizard-step-number" aria-hidden="true">
                  {state === 'done' ? '✓' : number}
                </span>
                <span className="wizard-step-label">
                  {label}
                  {state === 'done' && <span className="visually-hidden"> (done)</span>}
                </span>
              </li>
            );
          })}
        </ol>
        <h1>{title}</h1>
        {children}
      </main>
    </Shell>
  );
}

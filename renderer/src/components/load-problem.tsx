// A list or section that could not be loaded: the server's reason, and a way to try again.
import type { ApiError } from '../api/flow';
import { Notice } from './notice';

export function LoadProblem({ error, onRetry }: { error: ApiError; onRetry: () => void }) {
  return (
    <Notice kind="error">
      {error.message}{' '}
      <button type="button" className="link" onClick={onRetry}>
        Try again
      </button>
    </Notice>
  );
}

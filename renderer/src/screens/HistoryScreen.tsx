import { useEffect } from 'react';
import { FilterBar } from '../history/FilterBar';
import { HistoryDetail } from '../history/HistoryDetail';
import { HistoryList } from '../history/HistoryList';
import { historyActions, useHistory } from '../history/store';
import { ExportMenu, IndexStatus, UnseenNotice, VerifyButton } from '../history/Toolbar';
import { VerifyResult } from '../history/VerifyResult';
import { currentApi, useAirlock } from '../state/store';
import { Visible } from '../ui/Visible';

function LoadError() {
  const error = useHistory((s) => s.error);
  if (!error) return null;
  return (
    <div className="history-status warn" role="alert">
      <span>
        <strong>Could not load history:</strong> <Visible text={error} oneLine />
      </span>
      <button type="button" className="btn small" onClick={() => void historyActions.reload()}>
        Retry
      </button>
    </div>
  );
}

/**
 * The audit log as a person reads it: every call newest first, searchable and filterable, one
 * opened in full beside the list; export, integrity check and rules from calls.
 */
export function HistoryScreen() {
  const connection = useAirlock((s) => s.connection);
  // Follow the core while the screen is shown (and again after a reconnect).
  useEffect(() => {
    const client = currentApi();
    if (connection !== 'open' || !client) return;
    return historyActions.connect(client);
  }, [connection]);

  return (
    <div className="history-layout">
      <div className="history-list-pane">
        <div className="history-top">
          <FilterBar
            actions={
              <div className="history-actions">
                <ExportMenu />
                <VerifyButton />
              </div>
            }
          />
        </div>
        <IndexStatus />
        <VerifyResult />
        <UnseenNotice />
        <LoadError />
        <HistoryList />
      </div>
      <HistoryDetail />
    </div>
  );
}

import { useQuery } from '@tanstack/react-query';
import { useClient } from '../../api/client';
import { permissionsQuery } from '../../api/session';
import { ErrorState, LoadingState } from '../../components/states';
import { RobotAccounts } from '../project/robot-accounts';

/** System robot accounts: system permissions, and permissions in some projects or all of them. */
export function RobotsPage() {
  const client = useClient();
  const permissions = useQuery(permissionsQuery(client, '/system'));
  if (permissions.isPending) return <LoadingState />;
  if (permissions.isError)
    return <ErrorState error={permissions.error} onRetry={() => void permissions.refetch()} />;
  return (
    <RobotAccounts
      scope={{ level: 'system' }}
      grantable={permissions.data}
      canCreate={permissions.data.has('robot:create')}
      canUpdate={permissions.data.has('robot:update')}
      canDelete={permissions.data.has('robot:delete')}
    />
  );
}

import { isStaff, type Role } from '../services/people/read.js';
import type { CommandSpec } from './context.js';

export function allowed(who: CommandSpec['who'], roles: Set<Role>): boolean {
  switch (who) {
    case 'anyone':
      return true;
    case 'admin':
      return roles.has('admin');
    case 'staff':
      return isStaff(roles);
    case 'staff_or_supervisor':
      return isStaff(roles) || roles.has('supervisor');
  }
}

export const WHO_LABEL: Record<CommandSpec['who'], string> = {
  anyone: '所有人',
  admin: '管理员',
  staff: '工作人员',
  staff_or_supervisor: '工作人员或督导组成员',
};

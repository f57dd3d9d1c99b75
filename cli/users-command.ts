/**
 * `duban users …` and `duban token …`: accounts and bearer tokens from the command line, for the first admin (before
 * anyone can sign in to a page) and for scripts. Whoever runs them holds the database and the secret already, so they
 * ask for no sign-in. A password is never an argument (it would stay in the shell's history and in `ps`): it comes on
 * standard input, or is generated and shown once.
 */
import { randomInt } from 'node:crypto';
import type { Pool } from 'pg';
import { ROLE_NAMES, type Account } from '../api/auth/account';
import { formatShanghai } from '../domain/calendar';
import { UnitDirectory } from '../domain/units';
import {
  addAccount,
  disableAccount,
  enableAccount,
  grantCycle,
  listAccounts,
  revokeCycle,
  setPassword,
  type StoredAccount,
} from '../infra/account-store';
import { loadAuthSecret } from '../infra/auth/secret';
import { issueToken, revokeToken } from '../infra/auth/tokens';
import { loadDirectory } from '../infra/unit-store';
import { one, parseArgs, required, UsageError } from './args';
import { configOf, withPool } from './connections';
import type { Io } from './plan-command';

export const USERS_USAGE = `  duban users add 账号 --role 角色 --name 显示名 [--unit 单位] [--office 督办单位] [--cycle 周期]…
                 [--password-stdin | --generate-password]
      新建账号；角色：admin（系统管理员）、coordinator（督办人员，须 --office，可多次 --cycle）、
      unit-head（单位负责人）、unit-member（单位联络员）（两者须 --unit，名称以单位名录为准）、auditor（审计人员）；
      密码从标准输入读入（如 printf '%s' "$密码" | duban users add …），或 --generate-password 生成并只显示这一次
  duban users list
      列出所有账号：角色、单位或督办单位、督办周期、是否停用
  duban users disable|enable 账号
      停用账号（其登录与令牌即刻失效，历史记录保留），或重新启用
  duban users password 账号 [--generate-password]
      重设密码（从标准输入读入，或生成）；该账号原有的登录和令牌一律失效
  duban users grant|ungrant 账号 --cycle 周期…
      授予或收回督办人员的督办周期`;

export const TOKEN_USAGE = `  duban token issue 账号 [--minutes 分钟]
      为账号签发 Bearer 令牌（默认 TOKEN_MINUTES 分钟，至多 1440），只把令牌打印到标准输出，便于脚本取用：
      TOKEN=$(duban token issue admin)；curl -H "Authorization: Bearer $TOKEN" …
  duban token revoke 令牌编号
      吊销一个令牌（编号 jti 见签发时的提示）`;

/** Letters and digits that cannot be misread for one another (no 0/O, 1/l/I): 16 of them are about 92 bits. */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export function generatePassword(length = 16): string {
  return Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

/** The password on standard input: one line, its line ending dropped. */
async function passwordFromStdin(io: Io): Promise<string> {
  if (!io.stdin) throw new UsageError('无法读取标准输入；请用 --generate-password 生成密码');
  const text = (await io.stdin()).replace(/\r?\n$/, '');
  if (text.includes('\n')) throw new UsageError('标准输入中应只有一行密码');
  if (text === '') throw new UsageError('标准输入中没有密码；如：printf \'%s\' "$密码" | duban users …');
  return text;
}

/**
 * The password the command sets, and whether it was generated: `--generate-password`, else standard input when
 * `--password-stdin` is given or it is piped (never a prompt on a terminal: the command is for scripts and a first
 * admin's set-up alike).
 */
async function passwordOf(io: Io, flags: Set<string>): Promise<{ password: string; generated: boolean }> {
  if (flags.has('generate-password') && flags.has('password-stdin')) {
    throw new UsageError('--generate-password 与 --password-stdin 只能选一个');
  }
  if (flags.has('generate-password')) return { password: generatePassword(), generated: true };
  if (flags.has('password-stdin') || io.stdinIsTty === false) {
    return { password: await passwordFromStdin(io), generated: false };
  }
  throw new UsageError(
    '请给出密码：从标准输入读入（printf \'%s\' "$密码" | duban users … --password-stdin），或用 --generate-password 生成',
  );
}

function describe(a: Account): string {
  const where = a.unit ?? a.office;
  return `${a.displayName}，${ROLE_NAMES[a.role]}${where ? `，${where}` : ''}`;
}

function listLine(a: StoredAccount): string {
  return (
    `${a.id}  ${a.displayName}  ${ROLE_NAMES[a.role]}（${a.role}）` +
    `${a.unit ? `  单位：${a.unit}` : ''}${a.office ? `  督办单位：${a.office}` : ''}` +
    `${a.cycles ? `  督办周期：${a.cycles.length > 0 ? a.cycles.join('、') : '（无）'}` : ''}` +
    `${a.disabledAt ? `  已停用（${formatShanghai(a.disabledAt)}）` : ''}\n`
  );
}

/**
 * The unit as the directory names it (an alias gives the unit's name), so that a unit's accounts match its
 * assignments; a name the directory does not know is refused once the directory has any unit.
 */
async function directoryUnit(pool: Pool, unit: string, io: Io): Promise<string> {
  const directory = new UnitDirectory(await loadDirectory(pool));
  if (directory.size === 0) {
    io.stderr(
      `注意：单位名录为空，未核对单位“${unit}”；导入名录（duban units import）后，请确认账号的单位与名录一致\n`,
    );
    return unit;
  }
  const found = directory.unit(unit);
  if (!found) {
    throw new UsageError(`单位名录中没有单位“${unit}”：请写名录中的单位名称或别名（duban units list 可查看）`);
  }
  return found.name;
}

async function usersAdd(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, ['role', 'name', 'unit', 'office'], ['password-stdin', 'generate-password'], ['cycle']);
  const id = one(args, '账号（如 zhang.wei）');
  const role = required(args, 'role', 'admin、coordinator、unit-head、unit-member 或 auditor');
  const displayName = required(args, 'name', '显示名，如 张伟');
  const { password, generated } = await passwordOf(io, args.flags);
  const account = await withPool(io, async (pool) => {
    const given = args.options.get('unit');
    const unit = given === undefined ? undefined : await directoryUnit(pool, given, io);
    return addAccount(
      pool,
      {
        id,
        displayName,
        role,
        ...(unit !== undefined && { unit }),
        ...(args.options.has('office') && { office: args.options.get('office') }),
        ...(args.repeated.has('cycle') && { cycles: args.repeated.get('cycle') }),
      },
      password,
    );
  });
  io.stdout(`已新建账号 ${account.id}（${describe(account)}）\n`);
  if (account.cycles && account.cycles.length > 0) io.stdout(`  督办周期：${account.cycles.join('、')}\n`);
  if (generated) io.stdout(`初始密码（只显示这一次，请当面或经可信渠道交给本人）：${password}\n`);
  return 0;
}

async function usersList(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, []);
  if (args.positionals.length > 0) throw new UsageError(`users list 不接受参数：${args.positionals.join(' ')}`);
  const accounts = await withPool(io, listAccounts);
  const disabled = accounts.filter((a) => a.disabledAt).length;
  io.stdout(`账号：${accounts.length} 个${disabled > 0 ? `（其中停用 ${disabled} 个）` : ''}\n`);
  io.stdout(accounts.map(listLine).join(''));
  return 0;
}

async function usersDisable(argv: string[], io: Io, disable: boolean): Promise<number> {
  const id = one(parseArgs(argv, []), '账号');
  const changed = await withPool(io, (pool) => (disable ? disableAccount(pool, id) : enableAccount(pool, id)));
  const name = id.trim().toLowerCase();
  if (disable) io.stdout(changed ? `已停用账号 ${name}：其登录与令牌即刻失效\n` : `账号 ${name} 本已停用\n`);
  else io.stdout(changed ? `已启用账号 ${name}：可用原密码登录\n` : `账号 ${name} 本已启用\n`);
  return 0;
}

async function usersPassword(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, [], ['password-stdin', 'generate-password']);
  const id = one(args, '账号');
  const { password, generated } = await passwordOf(io, args.flags);
  await withPool(io, (pool) => setPassword(pool, id, password));
  io.stdout(`已为账号 ${id.trim().toLowerCase()} 设置新密码；其原有的登录和令牌均已失效\n`);
  if (generated) io.stdout(`新密码（只显示这一次）：${password}\n`);
  return 0;
}

async function usersGrant(argv: string[], io: Io, grant: boolean): Promise<number> {
  const args = parseArgs(argv, [], [], ['cycle']);
  const id = one(args, '账号');
  const cycles = args.repeated.get('cycle') ?? [];
  if (cycles.length === 0) throw new UsageError('请用 --cycle 给出督办周期（可多次给出）');
  const changed = await withPool(io, async (pool) => {
    const done: string[] = [];
    for (const cycle of cycles) if (await (grant ? grantCycle : revokeCycle)(pool, id, cycle)) done.push(cycle);
    return done;
  });
  const name = id.trim().toLowerCase();
  const verb = grant ? '授予' : '收回';
  io.stdout(
    changed.length > 0
      ? `已${verb}账号 ${name} 督办周期：${changed.join('、')}\n`
      : `账号 ${name} 的督办周期没有变化（${grant ? '均已授予' : '均未授予'}）\n`,
  );
  return 0;
}

export async function usersCommand(sub: string | undefined, argv: string[], io: Io): Promise<number> {
  if (sub === 'add') return usersAdd(argv, io);
  if (sub === 'list') return usersList(argv, io);
  if (sub === 'disable' || sub === 'enable') return usersDisable(argv, io, sub === 'disable');
  if (sub === 'password') return usersPassword(argv, io);
  if (sub === 'grant' || sub === 'ungrant') return usersGrant(argv, io, sub === 'grant');
  throw new UsageError(
    `未知的 users 子命令 ${sub ?? '（无）'}；可用：add、list、disable、enable、password、grant、ungrant`,
  );
}

export async function tokenCommand(sub: string | undefined, argv: string[], io: Io): Promise<number> {
  if (sub === 'issue') {
    const args = parseArgs(argv, ['minutes']);
    const id = one(args, '账号');
    const config = configOf(io);
    const given = args.options.get('minutes');
    const minutes = given === undefined ? config.TOKEN_MINUTES : Number(given);
    if (!/^\d+$/.test(given ?? '1') || minutes < 1 || minutes > 1440) {
      throw new UsageError(`--minutes 应为 1 到 1440 之间的整数（分钟），不是“${given}”`);
    }
    const secret = loadAuthSecret(config, io.cwd);
    const issued = await withPool(io, (pool) => issueToken(pool, secret, id, { minutes, issuedBy: 'cli' }));
    io.stdout(`${issued.token}\n`);
    io.stderr(
      `已为账号 ${issued.account.id}（${describe(issued.account)}）签发令牌，有效至 ${formatShanghai(issued.expiresAt)}（北京时间）；` +
        `令牌编号 ${issued.jti}，吊销：duban token revoke ${issued.jti}\n`,
    );
    return 0;
  }
  if (sub === 'revoke') {
    const jti = one(parseArgs(argv, []), '令牌编号（jti）');
    const revoked = await withPool(io, (pool) => revokeToken(pool, jti));
    io.stdout(`已吊销令牌 ${revoked.jti}（账号 ${revoked.accountId}）\n`);
    return 0;
  }
  throw new UsageError(`未知的 token 子命令 ${sub ?? '（无）'}；可用：issue、revoke`);
}

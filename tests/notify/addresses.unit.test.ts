/**
 * Who a notice's recipient reaches outside the inbox: a unit's liaisons and robots, a head's own email for 督办, the
 * coordinator's office like any unit; and which units would reach nobody.
 */
import { addressesOf, unitsWithoutChannel } from '../../domain/notify';
import { noContacts, type DirectoryUnit } from '../../domain/units';
import { unitHead } from '../../workflows/assignment/notices';

const DING = 'https://oapi.dingtalk.com/robot/send?access_token=abc';
const directory: DirectoryUnit[] = [
  {
    name: '市质量技术监督局',
    aliases: ['市质监局'],
    groups: [],
    contacts: {
      head: { name: '王局长', email: 'wang@zhijian.gov.cn' },
      liaisons: [
        { name: '张三', email: 'zhangsan@zhijian.gov.cn' },
        { name: '李四' },
        { name: '赵六', email: 'ZhangSan@zhijian.gov.cn' },
      ],
      webhooks: [
        { kind: 'dingtalk', url: DING, secret: 'SECabc' },
        { kind: 'json', url: 'https://oa.zhijian.gov.cn/hook' },
      ],
      digest: true,
    },
  },
  {
    name: '市工商局',
    aliases: [],
    groups: [],
    contacts: {
      head: { name: '钱局长' },
      liaisons: [],
      webhooks: [{ kind: 'wecom', url: 'https://wecom/x' }],
      digest: false,
    },
  },
  {
    name: '市政府督查室',
    aliases: [],
    groups: [],
    contacts: { liaisons: [{ name: '孙八', email: 'dcs@gov.cn' }], webhooks: [], digest: false },
  },
  { name: '市统计局', aliases: [], groups: [], contacts: noContacts() },
];

describe('addressesOf', () => {
  it('a unit: each liaison with an email (one mailbox once), then each robot; its digest choice', () => {
    expect(addressesOf('市质量技术监督局', directory)).toEqual({
      unit: '市质量技术监督局',
      addresses: [
        { channel: 'email', to: 'zhangsan@zhijian.gov.cn', name: '张三' },
        { channel: 'dingtalk', to: DING, secret: 'SECabc' },
        { channel: 'json', to: 'https://oa.zhijian.gov.cn/hook' },
      ],
      digest: true,
    });
    expect(addressesOf('市质监局', directory).unit).toBe('市质量技术监督局');
  });

  it('a head (督办): the head’s own email only, not the group chats', () => {
    expect(addressesOf(unitHead('市质量技术监督局'), directory)).toEqual({
      unit: '市质量技术监督局',
      addresses: [{ channel: 'email', to: 'wang@zhijian.gov.cn', name: '王局长' }],
      digest: true,
    });
  });

  it('a head without an email: the unit’s own channels carry the 督办, so it is not lost', () => {
    expect(addressesOf(unitHead('市工商局'), directory).addresses).toEqual([
      { channel: 'wecom', to: 'https://wecom/x' },
    ]);
  });

  it('the coordinator’s office is a unit like any other; an unknown name or a unit without channels reaches nobody', () => {
    expect(addressesOf('市政府督查室', directory).addresses).toEqual([
      { channel: 'email', to: 'dcs@gov.cn', name: '孙八' },
    ]);
    expect(addressesOf('市统计局', directory)).toEqual({ unit: '市统计局', addresses: [], digest: false });
    expect(addressesOf('市教育局', directory)).toEqual({ addresses: [], digest: false });
    expect(addressesOf(unitHead('市教育局'), directory)).toEqual({ addresses: [], digest: false });
  });
});

describe('unitsWithoutChannel', () => {
  it('names the units nobody would hear from: no liaison email and no robot, or not in the directory', () => {
    expect(
      unitsWithoutChannel(directory, [
        '市质量技术监督局',
        '市统计局',
        '市工商局',
        '市教育局',
        '市统计局',
        '市政府督查室',
      ]),
    ).toEqual(['市统计局', '市教育局']);
  });
});

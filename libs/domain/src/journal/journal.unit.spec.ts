import {
  classifyChatMember,
  isMembershipEvent,
  journalAction,
  type ChatMemberLike,
  type ChatMemberUpdateLike,
} from './journal';

const SUBSCRIBER = 9876543210;
const ADMIN = 111;

const as = (status: string, extra: Partial<ChatMemberLike> = {}): ChatMemberLike => ({
  status,
  user: { id: SUBSCRIBER },
  ...extra,
});
const restricted = (isMember: boolean): ChatMemberLike => as('restricted', { is_member: isMember });

/** A chat_member change of SUBSCRIBER, performed by `by` (the subscriber themselves by default). */
const change = (
  from: ChatMemberLike,
  to: ChatMemberLike,
  opts: { by?: number; viaJoinRequest?: boolean; inviteLink?: { creates_join_request?: boolean } } = {},
): ChatMemberUpdateLike => ({
  from: { id: opts.by ?? SUBSCRIBER },
  old_chat_member: from,
  new_chat_member: to,
  ...(opts.viaJoinRequest !== undefined ? { via_join_request: opts.viaJoinRequest } : {}),
  ...(opts.inviteLink ? { invite_link: opts.inviteLink } : {}),
});

describe('classifyChatMember (SPEC §5)', () => {
  describe('joins', () => {
    it('left → member by themselves is a join', () => {
      expect(classifyChatMember(change(as('left'), as('member')))).toBe('joined');
    });

    it('a join through a direct invite link (no request) is a join', () => {
      expect(
        classifyChatMember(change(as('left'), as('member'), { inviteLink: { creates_join_request: false } })),
      ).toBe('joined');
    });

    it('added by an admin is a join', () => {
      expect(classifyChatMember(change(as('left'), as('member'), { by: ADMIN }))).toBe('joined');
    });

    it('back after a ban (kicked → member) is a join', () => {
      expect(classifyChatMember(change(as('kicked'), as('member'), { by: ADMIN }))).toBe('joined');
    });

    it('restricted with is_member true counts as in the chat', () => {
      expect(classifyChatMember(change(as('left'), restricted(true), { by: ADMIN }))).toBe('joined');
    });
  });

  describe('approvals', () => {
    it('a direct join request approved by an admin (via_join_request) is an approval', () => {
      expect(classifyChatMember(change(as('left'), as('member'), { by: ADMIN, viaJoinRequest: true }))).toBe(
        'approved',
      );
    });

    it('a join through a link that creates join requests is an approved request', () => {
      // Telegram sets via_join_request only for requests made without an invite link; a request made
      // through the lead's personal `creates_join_request` link arrives with that link instead.
      expect(
        classifyChatMember(
          change(as('left'), as('member'), { by: ADMIN, inviteLink: { creates_join_request: true } }),
        ),
      ).toBe('approved');
    });
  });

  describe('leaves and bans', () => {
    it('member → left by themselves is a leave', () => {
      expect(classifyChatMember(change(as('member'), as('left')))).toBe('left');
    });

    it('restricted member → left by themselves is a leave', () => {
      expect(classifyChatMember(change(restricted(true), as('left')))).toBe('left');
    });

    it('removed by somebody else (member → left by an admin) is a ban', () => {
      expect(classifyChatMember(change(as('member'), as('left'), { by: ADMIN }))).toBe('banned');
    });

    it('member → kicked is a ban', () => {
      expect(classifyChatMember(change(as('member'), as('kicked'), { by: ADMIN }))).toBe('banned');
    });

    it('administrator → kicked is a ban', () => {
      expect(classifyChatMember(change(as('administrator'), as('kicked'), { by: ADMIN }))).toBe('banned');
    });

    it('a ban of somebody who already left (left → kicked) is a ban', () => {
      expect(classifyChatMember(change(as('left'), as('kicked'), { by: ADMIN }))).toBe('banned');
    });

    it('a restricted non-member banned (restricted is_member false → kicked) is a ban', () => {
      expect(classifyChatMember(change(restricted(false), as('kicked'), { by: ADMIN }))).toBe('banned');
    });

    it('restricted member whose membership ends by an admin (is_member true → false) is a ban', () => {
      expect(classifyChatMember(change(restricted(true), restricted(false), { by: ADMIN }))).toBe('banned');
    });

    it('restricted member leaving by themselves (is_member true → false) is a leave', () => {
      expect(classifyChatMember(change(restricted(true), restricted(false)))).toBe('left');
    });
  });

  describe('not chat activity', () => {
    it.each([
      ['kicked → kicked (ban prolonged)', as('kicked'), as('kicked')],
      ['kicked → left (unban)', as('kicked'), as('left')],
      ['member → administrator (promotion)', as('member'), as('administrator')],
      ['administrator → member (demotion)', as('administrator'), as('member')],
      ['member → restricted is_member true (restriction)', as('member'), restricted(true)],
      ['restricted is_member true → member (restriction lifted)', restricted(true), as('member')],
      ['left → restricted is_member false (restricting a non-member)', as('left'), restricted(false)],
      ['restricted is_member false → left', restricted(false), as('left')],
      ['left → left', as('left'), as('left')],
    ])('%s → null', (_name, from, to) => {
      expect(classifyChatMember(change(from, to, { by: ADMIN }))).toBeNull();
    });
  });
});

describe('journalAction / isMembershipEvent', () => {
  it('maps each membership event to the seed journal action', () => {
    expect(journalAction('JoinRequested')).toBe('request');
    expect(journalAction('JoinRequestApproved')).toBe('approve');
    expect(journalAction('MemberJoined')).toBe('join');
    expect(journalAction('MemberLeft')).toBe('leave');
    expect(journalAction('MemberBanned')).toBe('ban');
  });

  it.each(['JoinRequested', 'JoinRequestApproved', 'MemberJoined', 'MemberLeft', 'MemberBanned'])(
    '%s is a membership event',
    (type) => {
      expect(isMembershipEvent({ type })).toBe(true);
    },
  );

  it.each([
    'SubscriberStarted',
    'BotAddedToChat',
    'BotRemovedFromChat',
    'LeadStatusChanged',
    'toString',
    'constructor',
  ])('%s is not a membership event', (type) => {
    expect(isMembershipEvent({ type })).toBe(false);
  });
});

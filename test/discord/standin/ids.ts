/** Snowflake-looking ids (Discord's are 17-20 digits); monotonic so tests can order them. */
let next = 1_300_000_000_000_000_000n;

export function snowflake(): string {
  next += 1n;
  return next.toString();
}

/** The stand-in's fixed world: one guild with one text channel, the bot, a student and a TA. */
export const APP_ID = '1234567890123456789';
export const GUILD_ID = '1111111111111111111';
export const CHANNEL_ID = '2222222222222222222';
/** A second server for sharding tests: with two shards GUILD_ID rides shard 1 and this one shard 0 ((id >> 22) % 2). */
export const GUILD2_ID = '1111111111115305415';
export const CHANNEL2_ID = '2222222222222222223';
export const STUDENT_ID = '3333333333333333331';
export const TA_ID = '3333333333333333332';
export const OWNER_ID = '3333333333333333339';

/** A token whose first part is the application id in base64, as Discord's are. */
export const BOT_TOKEN = `${Buffer.from(APP_ID).toString('base64').replace(/=+$/, '')}.GabcDe.standin-secret-part_0123456789`;

export const BOT_USER = { id: APP_ID, username: 'gradbot', discriminator: '0000', global_name: null, avatar: null, bot: true, flags: 0 };

// Typed Prisma-like clients for rule tests: delegates named `<Model>Delegate` as in generated clients.
export const typedClient = `
interface Delegate {
  findMany(args?: object): Promise<object[]>;
  findFirst(args?: object): Promise<object | null>;
  findUnique(args: object): Promise<object | null>;
  groupBy(args: object): Promise<object[]>;
  count(args?: object): Promise<number>;
  create(args: object): Promise<object>;
  update(args: object): Promise<object>;
  upsert(args: object): Promise<object>;
  delete(args: object): Promise<object>;
  aggregate(args: object): Promise<object>;
}
interface BookingDelegate extends Delegate {}
interface UserDelegate extends Delegate {}
interface AttendeeDelegate extends Delegate {}
interface TeamDelegate extends Delegate {}
interface SettingDelegate extends Delegate {}
interface TransactionClient { booking: BookingDelegate; user: UserDelegate; attendee: AttendeeDelegate; team: TeamDelegate }
interface PrismaClient extends TransactionClient { $transaction<T>(fn: (tx: TransactionClient) => Promise<T>): Promise<T> }
declare const prisma: PrismaClient;
declare const userId: number;
`;

/** The same client with no types, as without node_modules: everything is `any`. */
export const untypedClient = `
declare const prisma: any;
declare const userId: number;
`;

/** Lines the preludes take, so test cases can state report lines in their own terms. */
export const typedLines = typedClient.split('\n').length - 1;
export const untypedLines = untypedClient.split('\n').length - 1;

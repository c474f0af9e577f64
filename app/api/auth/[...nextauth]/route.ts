import { handlers } from '@/app/auth';

export const dynamic = 'force-dynamic';

export const { GET, POST } = handlers;

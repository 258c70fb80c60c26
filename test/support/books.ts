// The shop's books, checked from outside through the REST API after a test: every order has
// settled (some through orders' recovery sweep), charges − refunds = totals of the orders kept,
// and every unit of starting stock is available, held or sold.
import { fetchBooks } from "./orders-books";
import type { TestCluster } from "./cluster";

export async function expectBooksToBalance(cluster: TestCluster, api: string, adminToken: string, startingStock: Record<string, number>): Promise<void> {
	// Retried: a node that just came back may not be known to the gateway for a moment.
	const settled = async () => (await fetchBooks(api, adminToken, startingStock).catch(() => null))?.pending === 0;
	await cluster.waitFor(settled, 20_000, "every order to settle");
	const books = await fetchBooks(api, adminToken, startingStock);
	expect(books.problems).toEqual([]);
	expect(books.kept).toBe(books.owed);
}

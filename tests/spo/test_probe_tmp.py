import collections
from tests.spo import test_stateful as m
seen = collections.Counter()
orig = m.SpoMachine.teardown
def teardown(self):
    seen[self.stored().state.value] += 1
    seen["variations>0"] += self.variations > 0
    seen["reports"] += len(self.reports()) > 0
m.SpoMachine.teardown = teardown
def test_probe(world):
    m.test_random_transitions_keep_the_invariants(world)
    print(dict(seen))

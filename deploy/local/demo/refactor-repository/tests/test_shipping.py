from shipping import shipping_cost


def test_local_light_parcel():
    assert shipping_cost(1, "local", False, False) == 300
